// The labelled example tickets the project ships (English and Hinglish, as students of Indian study
// libraries write them): the fallback model is trained on them, and the triage benchmark holds out
// every fifth for testing. Each line: CATEGORY|PRIORITY|text.
const LINES = `
FACILITIES|HIGH|AC is not working in the main hall since morning, it is very hot
FACILITIES|HIGH|AC band hai kal se, garmi mein padhai nahi ho rahi
FACILITIES|NORMAL|The fan above seat B12 makes a clicking sound and is very slow
FACILITIES|NORMAL|wifi bahut slow hai, video lecture load nahi hota
FACILITIES|NORMAL|Internet keeps disconnecting every ten minutes on the second floor
FACILITIES|NORMAL|Charging point near my desk is not working
FACILITIES|NORMAL|mere table ka plug point kharab hai, laptop charge nahi hota
FACILITIES|NORMAL|The tube light over row C keeps flickering, hurts my eyes
FACILITIES|NORMAL|light nahi jal rahi corner wali seats pe
FACILITIES|HIGH|Power cut and the inverter did not start, whole hall is dark
FACILITIES|HIGH|bijli chali gayi aur inverter bhi nahi chala
FACILITIES|NORMAL|The water cooler is empty and not cooling
FACILITIES|NORMAL|paani ka cooler kaam nahi kar raha, thanda paani nahi aata
FACILITIES|NORMAL|My chair is broken, one leg is loose and it wobbles
FACILITIES|NORMAL|kursi toot gayi hai please badal do
FACILITIES|NORMAL|The washroom tap is leaking continuously
FACILITIES|NORMAL|washroom ka flush kaam nahi karta
FACILITIES|NORMAL|Locker key is jammed, cannot open my locker
FACILITIES|LOW|Please add a few more power sockets near the window row
FACILITIES|NORMAL|The desk lamp at my seat does not switch on
FACILITIES|NORMAL|AC ki cooling kam hai, temperature badhao please
FACILITIES|NORMAL|Router restarted but still no internet on my phone
FACILITIES|NORMAL|The door closer is broken and the door bangs
FACILITIES|NORMAL|mosquito machine band pada hai, usko chalu karo
FACILITIES|NORMAL|The projector screen room light switch is broken
FACILITIES|NORMAL|Air conditioner is dripping water on my table
FACILITIES|NORMAL|wifi password badal diya kya, connect nahi ho raha
FACILITIES|HIGH|The main hall AC is making burning noise and stopped
NOISE|NORMAL|Two students near the entrance keep talking loudly all day
NOISE|NORMAL|log phone pe baat karte hain andar hi, bahut disturb hota hai
NOISE|NORMAL|Someone's phone keeps ringing with a loud ringtone
NOISE|NORMAL|The group in row D discusses questions aloud for hours
NOISE|NORMAL|Staff play music at the reception, can be heard inside
NOISE|NORMAL|bahar construction ka shor bahut hai, padh nahi pa rahe
NOISE|NORMAL|Construction noise from next building from 9 am
NOISE|NORMAL|People drag chairs noisily when they come in
NOISE|NORMAL|koi banda headphone ke bina video chala raha hai
NOISE|NORMAL|A student watches videos without earphones
NOISE|NORMAL|Loud chatting in the lobby reaches the reading hall
NOISE|NORMAL|seat A5 wale bhaiya har waqt gappe marte hain
NOISE|LOW|Can you put up a silence board in the hall
NOISE|NORMAL|Keyboard typing is very loud, can laptop users sit separately
NOISE|NORMAL|Somebody snores while sleeping on the desk
NOISE|NORMAL|whispering groups in the back rows all evening
NOISE|NORMAL|bahut awaaz aa rahi hai pantry se, bartan ki
NOISE|NORMAL|The reception TV volume is too high
NOISE|NORMAL|People eat chips and crackle packets loudly
NOISE|NORMAL|log andar ghus ke zor zor se hanste hain
NOISE|NORMAL|Mobile calls inside the silent zone should be stopped
NOISE|NORMAL|dost log milne aate hain aur andar hi baatein karte hain
NOISE|NORMAL|The new batch is very noisy after 6 pm
NOISE|LOW|Please remind everyone to keep phones on silent
NOISE|NORMAL|shor itna hai ki concentration nahi banta
NOISE|NORMAL|Friends visit and chat at the desks
CLEANLINESS|NORMAL|The washroom is very dirty and smells bad
CLEANLINESS|NORMAL|washroom ganda hai, koi saaf nahi karta
CLEANLINESS|NORMAL|Dustbins are overflowing near the pantry
CLEANLINESS|NORMAL|kachra pada hai seat ke neeche, jhadu nahi lagi
CLEANLINESS|NORMAL|Floor was not mopped today, it is dusty
CLEANLINESS|NORMAL|There is a cockroach problem near the lockers
CLEANLINESS|NORMAL|cockroach ghoom rahe hain table pe
CLEANLINESS|NORMAL|Tables have dust and stains every morning
CLEANLINESS|NORMAL|Someone spilled tea near row B and nobody cleaned it
CLEANLINESS|NORMAL|bathroom mein badbu aa rahi hai
CLEANLINESS|NORMAL|The drinking water area is wet and slippery with dirt
CLEANLINESS|NORMAL|Food leftovers are left on desks overnight
CLEANLINESS|NORMAL|safai wali aunty aaj nahi aayi, sab ganda hai
CLEANLINESS|LOW|Please keep a hand sanitizer at the entrance
CLEANLINESS|NORMAL|There are rats near the pantry
CLEANLINESS|NORMAL|chuhe dikhe pantry mein
CLEANLINESS|NORMAL|The carpet smells musty after the rain
CLEANLINESS|NORMAL|Toilet has no soap and paper, and it is filthy
CLEANLINESS|NORMAL|dustbin full hai do din se
CLEANLINESS|NORMAL|Cobwebs on the fans and windows
CLEANLINESS|NORMAL|The pantry sink is clogged and dirty
CLEANLINESS|NORMAL|table pe chai ke daag hain, saaf karwa do
CLEANLINESS|NORMAL|Bad smell from the drain near the stairs
CLEANLINESS|NORMAL|Garbage not collected from the corridor
CLEANLINESS|NORMAL|jagah jagah thook ke nishaan hain seedhi pe
CLEANLINESS|NORMAL|Mosquitoes everywhere because of stagnant water outside
CLEANLINESS|NORMAL|machhar bahut hain shaam ko
SEAT|NORMAL|I want to change my seat to the AC hall
SEAT|NORMAL|meri seat change kar do, window wali chahiye
SEAT|NORMAL|Someone else is sitting in my reserved seat every morning
SEAT|NORMAL|koi aur meri seat pe baith jata hai roz
SEAT|NORMAL|Can I shift from the morning shift to the evening shift
SEAT|NORMAL|shift badalni hai, subah ki jagah shaam wali
SEAT|NORMAL|Please swap my seat with my friend in row C
SEAT|NORMAL|My seat is next to the door, I want a quieter corner
SEAT|NORMAL|seat number galat allot hui hai app mein
SEAT|NORMAL|The app shows a different seat than the one I was given
SEAT|NORMAL|I need a seat closer to a charging point
SEAT|NORMAL|mujhe full day wali shift chahiye next month se
SEAT|NORMAL|Want to upgrade to a cabin seat
SEAT|NORMAL|Can I keep the same seat next month too
SEAT|NORMAL|meri seat pe kisi ka bag rakha rehta hai
SEAT|NORMAL|Seat under the AC vent is too cold, please move me
SEAT|LOW|Is there any seat free near the window for next month
SEAT|NORMAL|I want to pause my seat for two weeks during exams at home
SEAT|NORMAL|seat hold kar lo, main 10 din baad aaunga
SEAT|NORMAL|My friend wants the seat beside mine, is it free
SEAT|NORMAL|double allotment, two people got seat A7
SEAT|NORMAL|ek hi seat do logon ko de di hai
SEAT|NORMAL|Please move me away from the washroom side
SEAT|NORMAL|I got the evening shift but paid for full day
SEAT|NORMAL|reserved seat ka board hata diya kisi ne
SEAT|NORMAL|Need a lower desk, the current one is too high
SEAT|NORMAL|Someone took my locker and seat while I was out
SEAT|NORMAL|agle mahine se seat cancel karni hai
FEES|HIGH|I paid the fee by UPI but it still shows due
FEES|HIGH|paisa kat gaya UPI se par fees pending dikha raha hai
FEES|HIGH|Money got deducted twice for the same month
FEES|HIGH|do baar payment ho gaya, ek refund karo
FEES|NORMAL|I did not receive the receipt for my payment
FEES|NORMAL|receipt nahi aayi abhi tak, email check kiya
FEES|NORMAL|I want a refund for the days I could not come
FEES|NORMAL|refund kab milega, request kiye 10 din ho gaye
FEES|NORMAL|Why was a late fee added, I paid on time
FEES|NORMAL|late fee kyu lagi, maine time pe diya tha
FEES|NORMAL|Can I get a discount for paying three months together
FEES|NORMAL|GST invoice chahiye company ke liye
FEES|NORMAL|The fee shown in the app is more than what was told at admission
FEES|NORMAL|Card payment failed but the bank says success
FEES|NORMAL|online payment page khul nahi raha
FEES|NORMAL|Please send the payment link again
FEES|LOW|Can I pay the fee in two parts this month
FEES|NORMAL|fees kitni hai full day shift ki next month
FEES|NORMAL|My dues show an old month that I already paid in cash
FEES|NORMAL|cash diya tha desk pe, app mein update nahi hua
FEES|HIGH|Charged for a seat I cancelled last month
FEES|NORMAL|The referral discount was not applied to my fee
FEES|NORMAL|referral ka discount nahi mila
FEES|NORMAL|Need a fee receipt with my name corrected
FEES|NORMAL|Security deposit wapas kab milega
FEES|NORMAL|The refund amount is less than expected
FEES|NORMAL|payment pending dikha raha hai teen din se
FEES|NORMAL|Wrong amount deducted for the evening shift
SAFETY|URGENT|There is smoke coming from the switch board near row A
SAFETY|URGENT|switch board se dhuan nikal raha hai, jaldi aao
SAFETY|URGENT|Sparks from the AC wire, it may catch fire
SAFETY|URGENT|A man outside keeps following girls when we leave at night
SAFETY|URGENT|ek aadmi roz raat ko ladkiyon ka peecha karta hai
SAFETY|URGENT|A student is harassing me with messages and comments
SAFETY|URGENT|mujhe ek ladka pareshan kar raha hai, complaint karni hai
SAFETY|HIGH|My phone was stolen from my desk during lunch
SAFETY|HIGH|mera bag chori ho gaya locker se
SAFETY|HIGH|Someone stole my charger and books
SAFETY|URGENT|A student fainted in the hall, need help
SAFETY|URGENT|ek ladki behosh ho gayi, ambulance bulao
SAFETY|HIGH|Two students had a fight and threatened each other
SAFETY|HIGH|ladai ho gayi do logon mein, maar peet ki dhamki di
SAFETY|HIGH|The emergency exit is locked and blocked with boxes
SAFETY|HIGH|fire extinguisher expired hai aur exit band hai
SAFETY|NORMAL|CCTV camera in the hall has not been working for a week
SAFETY|NORMAL|CCTV band pada hai
SAFETY|HIGH|Strangers walk in without any check at the gate
SAFETY|HIGH|The stairs light is off at night, someone fell
SAFETY|URGENT|Burning smell from the electric panel
SAFETY|HIGH|Someone is taking photos of girls secretly
SAFETY|NORMAL|The gate guard is absent after 10 pm
SAFETY|HIGH|raat ko gate pe koi guard nahi hota, darr lagta hai
SAFETY|URGENT|Water leaking onto the electric socket, shock risk
SAFETY|HIGH|A drunk man entered the library at night
SAFETY|NORMAL|First aid box is empty
SAFETY|URGENT|current lag gaya plug lagate waqt
OTHER|LOW|What are the library timings on Sunday
OTHER|LOW|sunday ko library khulti hai kya
OTHER|LOW|Please subscribe to The Hindu newspaper
OTHER|LOW|akhbaar mein dainik jagran bhi mangwa lo
OTHER|LOW|Is there parking for two wheelers
OTHER|LOW|I lost my ID card, how do I get a new one
OTHER|LOW|Holiday on Diwali or open
OTHER|LOW|Can we have a small group study room
OTHER|LOW|Suggestion: add a water purifier on each floor
OTHER|LOW|Please keep current affairs magazines
OTHER|LOW|library card kho gaya, naya bana do
OTHER|LOW|Can my brother join, is there admission open
OTHER|LOW|Please share the mock test schedule
OTHER|LOW|Is there a tea shop nearby
OTHER|LOW|diwali pe chhutti rahegi kya
OTHER|LOW|Please add more books for NEET preparation
OTHER|LOW|Can you start a doubt session on weekends
OTHER|LOW|Feedback: the staff at the desk are very helpful
OTHER|LOW|Thank you for the new chairs
OTHER|LOW|Can I bring my own lamp
OTHER|LOW|Is there an app for iPhone
OTHER|LOW|I forgot my umbrella yesterday, did anyone find it
OTHER|LOW|kal mera chhata reh gaya tha, mila kya
OTHER|LOW|Please allow entry at 5 am during exam season
OTHER|LOW|exam ke time subah jaldi khol do
OTHER|LOW|Suggestion box should be at the entrance
OTHER|LOW|How do I update my phone number
OTHER|LOW|mobile number badalna hai profile mein
`;

export type Category = 'FACILITIES' | 'NOISE' | 'CLEANLINESS' | 'SEAT' | 'FEES' | 'SAFETY' | 'OTHER';
export type Priority = 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT';
export interface Example {
  text: string;
  category: Category;
  priority: Priority;
}

export const EXAMPLES: Example[] = LINES.trim()
  .split('\n')
  .map((l) => {
    const [category, priority, text] = l.split('|') as [Category, Priority, string];
    return { category, priority, text };
  });

/** Every fifth example (from the second) for testing, the rest for training: a fixed split, stratified by the order above. */
export const split = (all: Example[] = EXAMPLES) => ({ train: all.filter((_, i) => i % 5 !== 1), test: all.filter((_, i) => i % 5 === 1) });
